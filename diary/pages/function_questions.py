"""The weekly function check's questions, in the order asked (diary.plain.FUNCTION_SIGNS) and in
calm words: most people answer no to all of them, and a no is information too.

Each warning sign names the reference symptom (conditions/data/reference.json) whose "see a
doctor soon" advice a yes shows, the very notice the quick log shows for that symptom on an
episode. Cramps come last and are no warning sign: they are common with benign twitching."""

from dataclasses import dataclass

from diary.models import Limb


@dataclass(frozen=True)
class FunctionQuestion:
    sign: str  # the field (diary.plain.FUNCTION_SIGNS)
    question: str
    name: str  # in a sentence: "See a doctor soon: <name>."
    hint: str = ""  # the phone's, short: the nine questions fit one screen
    symptom: str = ""  # the red-flag reference symptom whose advice a yes shows; none for cramps
    detail: str = ""  # the web page's hint, with room for an example or two


FUNCTION_QUESTIONS = (
    FunctionQuestion(
        "weakness",
        "Weakness?",
        "weakness",
        "Gripping, lifting, stairs, a foot that catches.",
        "weakness",
        "Dropping things, tripping, trouble lifting, gripping or climbing stairs?",
    ),
    FunctionQuestion(
        "wasting",
        "Muscles looking thinner?",
        "muscles looking thinner",
        symptom="muscle_wasting",
        detail="A muscle looking thinner than it used to?",
    ),
    FunctionQuestion(
        "swallowing",
        "Trouble swallowing?",
        "trouble swallowing",
        symptom="difficulty_swallowing",
        detail="Trouble swallowing, or choking on food or drink?",
    ),
    FunctionQuestion(
        "speech",
        "Trouble speaking?",
        "trouble speaking",
        symptom="difficulty_speaking",
        detail="Slurred speech, or words harder to get out?",
    ),
    FunctionQuestion(
        "breathing",
        "Trouble breathing?",
        "trouble breathing",
        symptom="breathing_difficulty",
        detail="Short of breath at rest or lying flat?",
    ),
    FunctionQuestion(
        "balance",
        "Trouble with balance?",
        "trouble with balance",
        symptom="balance_trouble",
        detail="Unsteady on your feet, or falling?",
    ),
    FunctionQuestion(
        "numbness_tingling",
        "Numbness or tingling?",
        "numbness or tingling",
        symptom="numbness",
        detail="Numbness or pins and needles?",
    ),
    FunctionQuestion(
        "vision_hearing",
        "Change in sight or hearing?",
        "a change in vision or hearing",
        symptom="vision_change",
        detail="A change in your sight or hearing?",
    ),
    FunctionQuestion(
        "cramps",
        "Cramps?",
        "cramps",
        "Common with benign twitching.",
        detail="Muscle cramps? They are common with benign twitching: noting them helps see the pattern.",
    ),
)
# The reference symptom whose advice a yes to each warning sign shows.
ADVICE_FROM = {q.sign: q.symptom for q in FUNCTION_QUESTIONS if q.symptom}

# Where the weakness is, as the phone asks it: one box per limb and side; both sides of a limb
# ticked are sent as "both" (diary.models.Side).
WEAKNESS_PLACES = tuple(
    (f"{limb.value}:{side}", f"{side.capitalize()} {limb.label.lower()}" if limb != Limb.FACE else f"Face, {side}")
    for limb in Limb
    for side in ("left", "right")
)
