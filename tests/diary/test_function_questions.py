"""The weekly function check's questions (diary/pages/function_questions.py), as the quick log
asks them: every sign in the contract's order, cramps last and no warning sign, each warning
sign naming a red-flag symptom whose advice its yes shows."""

import re

from django.test import Client

from conditions.models import Symptom
from diary.models import Limb, Side
from diary.pages.function_questions import FUNCTION_QUESTIONS, WEAKNESS_PLACES
from diary.plain import FUNCTION_SIGN_SYMPTOMS, FUNCTION_SIGNS, FUNCTION_WARNING_SIGNS


def test_it_asks_every_sign_in_order_with_cramps_last() -> None:
    assert tuple(q.sign for q in FUNCTION_QUESTIONS) == FUNCTION_SIGNS
    assert FUNCTION_QUESTIONS[-1].sign == "cramps"
    assert "benign twitching" in FUNCTION_QUESTIONS[-1].hint


def test_each_warning_sign_is_a_red_flag_symptom_and_cramps_none(db: None) -> None:
    assert tuple(FUNCTION_SIGN_SYMPTOMS) == FUNCTION_WARNING_SIGNS
    assert "cramps" not in FUNCTION_SIGN_SYMPTOMS
    flagged = set(Symptom.objects.filter(red_flag=True).values_list("code", flat=True))
    assert set(FUNCTION_SIGN_SYMPTOMS.values()) <= flagged


def test_its_places_are_limbs_and_sides_the_contract_takes() -> None:
    for value, _label in WEAKNESS_PLACES:
        limb, side = value.split(":")
        assert limb in Limb.values
        assert side in Side.values
    assert len(WEAKNESS_PLACES) == 2 * len(Limb.values)


def test_the_shell_asks_each_question_yes_or_no_with_nothing_chosen(db: None) -> None:
    screen = Client().get("/quick/").content.decode().split('id="weekly-screen"')[1].split("</section>")[0]
    assert "Most people answer no to all of these." in screen
    assert re.findall(r'role="radiogroup" id="weekly-(\w+)"', screen) == list(FUNCTION_SIGNS)
    for sign in FUNCTION_SIGNS:
        assert re.findall(rf'name="{sign}" value="(\w+)"', screen) == ["no", "yes"]  # no first, as on the web
    assert "checked" not in screen
