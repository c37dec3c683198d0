"""The weekly function check's questions, in the order asked (diary.plain.FUNCTION_SIGNS) and in
calm words: most people answer no to all of them, and a no is information too.

Each warning sign is a red-flag reference symptom (diary.plain.FUNCTION_SIGN_SYMPTOMS) whose "see
a doctor soon" advice a yes shows, the very notice the quick log shows for that symptom on an
episode. Cramps come last and are no warning sign: they are common with benign twitching."""

from dataclasses import dataclass

from diary.models import Limb
from diary.plain import FUNCTION_SIGN_NAMES, FUNCTION_SIGN_SYMPTOMS


@dataclass(frozen=True)
class FunctionQuestion:
    sign: str  # the field (diary.plain.FUNCTION_SIGNS)
    question: str
    hint: str = ""  # the phone's, short: the nine questions fit one screen
    detail: str = ""  # the web page's hint, with room for an example or two

    @property
    def name(self) -> str:
        """The sign in a sentence: "See a doctor soon: <name>."."""
        return FUNCTION_SIGN_NAMES[self.sign]


FUNCTION_QUESTIONS = (
    FunctionQuestion(
        "weakness",
        "Weakness?",
        "Gripping, lifting, stairs, a foot that catches.",
        detail="Dropping things, tripping, trouble lifting, gripping or climbing stairs.",
    ),
    FunctionQuestion(
        "wasting",
        "Muscles looking thinner?",
        detail="A muscle smaller than it used to be, or than the same muscle on the other side.",
    ),
    FunctionQuestion(
        "swallowing",
        "Trouble swallowing?",
        detail="Choking or coughing on food or drink.",
    ),
    FunctionQuestion(
        "speech",
        "Trouble speaking?",
        detail="Slurred, or words harder to get out.",
    ),
    FunctionQuestion(
        "breathing",
        "Trouble breathing?",
        detail="Short of breath at rest or lying flat.",
    ),
    FunctionQuestion(
        "balance",
        "Trouble with balance?",
        detail="Unsteady on your feet, or falling.",
    ),
    FunctionQuestion(
        "numbness_tingling",
        "Numbness or tingling?",
        detail="Pins and needles, or a patch that feels dead.",
    ),
    FunctionQuestion(
        "vision_hearing",
        "Change in sight or hearing?",
        detail="Double or blurred sight, or hearing less.",
    ),
    FunctionQuestion(
        "cramps",
        "Cramps?",
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
