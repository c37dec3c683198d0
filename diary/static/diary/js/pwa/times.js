// The phone's clock in the forms' formats: "2026-11-22T09:15" for a datetime-local field,
// "2026-11-22" for a day, and ISO 8601 with the phone's UTC offset for the sync contract.

const pad = (number) => (number < 10 ? "0" : "") + number;

export const localDate = (date) => `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;

export const localInput = (date) => `${localDate(date)}T${pad(date.getHours())}:${pad(date.getMinutes())}`;

function offsetText(date) {
  const minutes = -date.getTimezoneOffset();
  const whole = Math.abs(minutes);
  return (minutes < 0 ? "-" : "+") + pad(Math.floor(whole / 60)) + ":" + pad(whole % 60);
}

// "2026-11-22T09:15" typed on the phone, as ISO 8601 with the UTC offset the phone's clock
// had at that moment (the contract keeps it: it is part of what was logged). Read as the
// logging page reads it (diary.pages.episode_form.repeated_hour_read): in the hour the clocks
// go back, which comes twice, the second one if it is past already (the form's own "now" in
// the second 02:45 is that one: read as the first, it was saved an hour early); a time the
// clocks skipped, as the instant the browser makes of it (written with the offset of a
// moment an hour away, it was an hour off).
export function withOffset(value, now) {
  let moment = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) || Number.isNaN(moment.getTime())) return null;
  const shift = new Date(moment.getTime() + 3 * 3600 * 1000).getTimezoneOffset() - moment.getTimezoneOffset();
  const second = new Date(moment.getTime() + shift * 60 * 1000); // the browser takes the first
  if (shift > 0 && localInput(second) === localInput(moment) && second <= now) moment = second;
  return `${localInput(moment)}:${pad(moment.getSeconds())}${offsetText(moment)}`;
}
