"""The handbook PWA: its page, web manifest and service worker. Everything it shows comes
from the handbook API (chibo.api.handbook); the page itself carries no member data, so
the service worker may keep it for reading offline."""

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from chibo.assessment.rules import GENERAL_MAX, RESULTS_MAX, Level
from chibo.documents.selectors import member_for
from chibo.documents.services import handbook_activate

ICON_SIZES = (192, 512)


def shell_files() -> list[str]:
    """What the service worker keeps so the handbook opens offline."""
    return [
        "/handbook/",
        static("handbook/app.js"),
        static("handbook/app.css"),
        *(static(f"handbook/icon-{size}.png") for size in ICON_SIZES),
    ]


def app_text() -> dict[str, str]:
    """The app's words, in the user's language (the app has no catalogue of its own)."""
    return {
        "search": _("Search documents"),
        "unread": _("Unread"),
        "changed": _("Changed since you read it"),
        "amended": _("Amended"),
        "mustStudy": _("To study before the cell meeting"),
        "bookmark": _("Bookmark"),
        "unbookmark": _("Remove bookmark"),
        "back": _("Back"),
        "empty": _("Nothing here yet."),
        "offlineMissing": _("This is not available offline. Open it once while online."),
        "error": _("Something went wrong. Try again."),
        "issuedBy": _("Issued by"),
        "attachments": _("Attachments"),
        "name": _("Name"),
        "born": _("Born"),
        "admitted": _("Admitted"),
        "recognized": _("Recognized"),
        "card": _("Party card number"),
        "unit": _("Unit"),
        "logout": _("Log out"),
        "queued": _("Readings made offline will be sent when you are back online."),
        "assessment": _("Classification"),
        "selfAssess": _("Self-assessment"),
        "level": _("Level"),
        "decided": _("Decided level"),
        "general": _("General criteria (of %(n)d points)") % {"n": GENERAL_MAX},
        "results": _("Results of duties (of %(n)d points)") % {"n": RESULTS_MAX},
        "send": _("Send"),
        "saved": _("Your self-assessment is recorded."),
        "downgraded": _("voluntary downgrade"),
        "points": _("points"),
        "needsOnline": _("Self-assessment needs a connection."),
        **{f"level_{value}": str(label) for value, label in Level.choices},
    }


@login_required
def app_view(request: HttpRequest) -> HttpResponse:
    member = member_for(request.scope)  # type: ignore[attr-defined]
    if member is not None:
        handbook_activate(member=member)  # the first visit is the activation
    get_token(request)  # the app sends the CSRF cookie back on its writes
    context = {"is_member": member is not None, "text": app_text()}
    return render(request, "handbook/app.html", context)


@cache_control(max_age=3600)
def manifest_view(request: HttpRequest) -> HttpResponse:
    manifest = {
        "name": _("Party member's handbook"),
        "short_name": _("Handbook"),
        "description": _("Documents, notices and your record, also offline."),
        "lang": request.LANGUAGE_CODE,
        "start_url": "/handbook/",
        "scope": "/handbook/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#c8102e",
        "icons": [
            {
                "src": static(f"handbook/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size in ICON_SIZES
        ],
    }
    return HttpResponse(
        json.dumps(manifest, ensure_ascii=False), content_type="application/manifest+json"
    )


@cache_control(no_cache=True)
def service_worker_view(request: HttpRequest) -> HttpResponse:
    # Served from /handbook/ so that its scope is the handbook and nothing else.
    return render(
        request,
        "handbook/sw.js",
        {"shell": json.dumps(shell_files())},
        content_type="application/javascript",
    )
