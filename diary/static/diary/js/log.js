// The logging page and the quick log run this: their forms have the same names (log-form.js).

import { enhance } from "./log-form.js";

const form = document.querySelector("form.episode-form");
if (form) enhance(form);
