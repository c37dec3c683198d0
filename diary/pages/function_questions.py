"""The weekly function check's questions, in the order asked (diary.plain.FUNCTION_SIGNS) and in
calm words: most people answer no to all of them, and a no is information too.

Each warning sign is a red-flag reference symptom (diary.plain.FUNCTION_SIGN_SYMPTOMS) whose "see
a doctor soon" advice a yes shows, the very notice the quick log shows for that symptom on an
episode. Cramps come last and are no warning sign: they are common with benign twitching."""

from dataclasses import dataclass

from diary.models import Limb
from diary.plain import FUNCTION_SIGN_SYMPTOMS


@dataclass(frozen=True)
class FunctionQuestion:
    sign: str  # the field (diary.plain.FUNCTION_SIGNS)
    question: str
    name: str  # in a sentence: "See a doctor soon: <name>."
    hint: str = ""  # the phone's, short: the nine questions fit one screen
    detail: str = ""  # the web page's hint, with room for an example or two


FUNCTION_QUESTIONS = (
    FunctionQuestion(
        "weakness",
        "Weakness?",
        "weakness",
        "Gripping, lifting, stairs, a foot that catches.",
        detail="Dropping things, tripping, trouble lifting, gripping or climbing stairs.",
    ),
    FunctionQuestion(
        "wasting",
        "Muscles looking thinner?",
        "muscles looking thinner",
        detail="A muscle smaller than it used to be, or than the same muscle on the other side.",
    ),
    FunctionQuestion(
        "swallowing",
        "Trouble swallowing?",
        "trouble swallowing",
        detail="Choking or coughing on food or drink.",
    ),
    FunctionQuestion(
        "speech",
        "Trouble speaking?",
        "trouble speaking",
        detail="Slurred, or words harder to get out.",
    ),
    FunctionQuestion(
        "breathing",
        "Trouble breathing?",
        "trouble breathing",
        detail="Short of breath at rest or lying flat.",
    ),
    FunctionQuestion(
        "balance",
        "Trouble with balance?",
        "trouble with balance",
        detail="Unsteady on your feet, or falling.",
    ),
    FunctionQuestion(
        "numbness_tingling",
        "Numbness or tingling?",
        "numbness or tingling",
        detail="Pins and needles, or a patch that feels dead.",
    ),
    FunctionQuestion(
        "vision_hearing",
        "Change in sight or hearing?",
        "a change in vision or hearing",
        detail="Double or blurred sight, or hearing less.",
    ),
    FunctionQuestion(
        "cramps",
        "Cramps?",
        "cramps",
        "Common with benign twitching.",
        detail="They are common with benign twitching: noting them helps see the pattern.",
    ),
)
# The reference symptom whose advice a yes to each warning sign shows.
ADVICE_FROM = FUNCTION_SIGN_SYMPTOMS

# Where the weakness is, as the phone asks it: one box per limb and side; both sides of a limb
# ticked are sent as "both" (diary.models.Side).
WEAKNESS_PLACES = tuple(
    (f"{limb.value}:{side}", f"{side.capitalize()} {limb.label.lower()}" if limb != Limb.FACE else f"Face, {side}")
    for limb in Limb
    for side in ("left", "right")
)
