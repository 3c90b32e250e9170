"""The plain words said when something hurts. One place, so every client says the same."""

from __future__ import annotations

HURT_TITLE = "Stopped: take care of your back"

HURT_ADVICE = (
    "Rest in a position that eases the pain: on your back with your knees bent and feet flat, "
    "or on your side with a pillow between your knees.",
    "Keep moving gently once you can: a short, easy walk usually helps more than staying "
    "still. Heat (a warm shower, or a heating pad wrapped in a cloth) can ease a spasm.",
    "If the pain keeps getting worse, spreads down a leg, or the spasms come more often, see "
    "a doctor or physiotherapist.",
    "Get medical help urgently for numbness around your groin or buttocks, new trouble "
    "controlling your bladder or bowel, or a leg that is getting weaker.",
)
