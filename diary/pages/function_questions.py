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
    hint: str = ""
    symptom: str = ""  # the red-flag reference symptom whose advice a yes shows; none for cramps


FUNCTION_QUESTIONS = (
    FunctionQuestion(
        "weakness",
        "Weakness?",
        "weakness",
        "Gripping, lifting, stairs, a foot that catches.",
        "weakness",
    ),
    FunctionQuestion("wasting", "Muscles looking thinner?", "muscles looking thinner", symptom="muscle_wasting"),
    FunctionQuestion("swallowing", "Trouble swallowing?", "trouble swallowing", symptom="difficulty_swallowing"),
    FunctionQuestion("speech", "Trouble speaking?", "trouble speaking", symptom="difficulty_speaking"),
    FunctionQuestion("breathing", "Trouble breathing?", "trouble breathing", symptom="breathing_difficulty"),
    FunctionQuestion("balance", "Trouble with balance?", "trouble with balance", symptom="balance_trouble"),
    FunctionQuestion("numbness_tingling", "Numbness or tingling?", "numbness or tingling", symptom="numbness"),
    FunctionQuestion(
        "vision_hearing", "Change in sight or hearing?", "a change in vision or hearing", symptom="vision_change"
    ),
    FunctionQuestion(
        "cramps",
        "Cramps?",
        "cramps",
        "Common with benign twitching.",
    ),
)

# Where the weakness is, as the phone asks it: one box per limb and side; both sides of a limb
# ticked are sent as "both" (diary.models.Side).
WEAKNESS_PLACES = tuple(
    (f"{limb.value}:{side}", f"{side.capitalize()} {limb.label.lower()}" if limb != Limb.FACE else f"Face, {side}")
    for limb in Limb
    for side in ("left", "right")
)
