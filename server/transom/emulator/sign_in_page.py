"""HTML of the emulator's sign-in page and of Entra's error page.

The sign-in page lists the directory's enabled people (pick one) and has a
field to type a user name; it posts back to the authorize endpoint with the
request's parameters in hidden fields. No scripts, no external resources.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from starlette.responses import HTMLResponse

from .model import App, Tenant, User

_STYLE = """
body{font-family:system-ui,sans-serif;background:#f2f2f2;margin:0;color:#1b1b1b}
main{max-width:28rem;margin:3rem auto;background:#fff;padding:2rem;border:1px solid #ccc}
h1{font-size:1.5rem;margin-top:0}fieldset{border:0;padding:0;margin:0 0 1rem;
max-height:18rem;overflow:auto}legend{font-weight:600;margin-bottom:.5rem}
label{display:block;margin:.25rem 0}input[type=text]{width:100%;padding:.5rem;
box-sizing:border-box;font-size:1rem}button{margin-top:1rem;padding:.5rem 1.5rem;
background:#0067b8;color:#fff;border:0;font-size:1rem}
.error{color:#a4262c;font-weight:600}
"""


def _page(title: str, body: str, status: int) -> HTMLResponse:
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f'<body><main id="main">{body}</main></body></html>'
    )
    return HTMLResponse(html, status_code=status, headers={"cache-control": "no-store"})


def sign_in_page(
    tenant: Tenant,
    app: App,
    people: list[User],
    params: Mapping[str, str],
    *,
    login: str = "",
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    hidden = "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
        for k, v in params.items()
    )
    choices = "".join(
        f'<label><input type="radio" name="account" value="{escape(u.user_principal_name)}">'
        f" {escape(u.display_name)} ({escape(u.user_principal_name)})</label>"
        for u in people
    )
    alert = (
        f'<p class="error" role="alert" id="sign-in-error">{escape(error)}</p>'
        if error
        else ""
    )
    described = ' aria-describedby="sign-in-error"' if error else ""
    body = (
        f"<h1>Sign in</h1><p>to continue to {escape(app.display_name)} "
        f"({escape(tenant.display_name)})</p>{alert}"
        '<form method="post">'
        f"{hidden}"
        f"<fieldset><legend>Pick an account</legend>{choices}</fieldset>"
        '<label for="login">Or type a user name</label>'
        f'<input type="text" id="login" name="login" autocomplete="username" '
        f'value="{escape(login)}"{described}>'
        '<button type="submit">Sign in</button></form>'
    )
    return _page("Sign in to your account", body, status)


def error_page(message: str, status: int = 400) -> HTMLResponse:
    body = (
        "<h1>Sorry, but we're having trouble signing you in.</h1>"
        f'<p class="error" role="alert">{escape(message)}</p>'
    )
    return _page("Sign in to your account", body, status)


def form_post_page(redirect_uri: str, fields: Mapping[str, str]) -> HTMLResponse:
    """``response_mode=form_post``: a form the user submits back to the app."""
    inputs = "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
        for k, v in fields.items()
    )
    body = (
        f'<h1>Working...</h1><form method="post" action="{escape(redirect_uri)}">'
        f'{inputs}<button type="submit">Continue</button></form>'
    )
    return _page("Working...", body, 200)
