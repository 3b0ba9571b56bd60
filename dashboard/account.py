"""Sign-in box of the sidebar and the signed-in user of this browser session.

Only the session token is what writes present (loaders.accounts.Credential); the user, role and
regions
kept here are for showing the right controls. Every write re-reads them from the store through the
token,
so changing session state or the URL cannot grant a right.
"""

from __future__ import annotations

import os

import streamlit as st

from loaders.accounts import Credential, User, attempt_sign_in, session_user, sign_out
from loaders.model.vocabulary import ROLE_LABELS
from loaders.store.writer import StoreBusyError, write_session

TOKEN_KEY, USER_KEY = "auth_token", "auth_user"


def login_required() -> bool:
    """Closed deployments set ATLAS_REQUIRE_LOGIN=1: then reading needs an account too."""
    return os.environ.get("ATLAS_REQUIRE_LOGIN", "") not in ("", "0", "false", "no")


def current_user() -> User | None:
    """The signed-in user of this session as last read from the store (display only)."""
    return st.session_state.get(USER_KEY)


def credential() -> Credential:
    return Credential(session_token=st.session_state.get(TOKEN_KEY))


def _sign_in(name: str, password: str) -> None:
    try:
        with write_session(None, wait_seconds=5) as connection:
            token, refusal = attempt_sign_in(connection, name.strip(), password)
            user = session_user(connection, token) if token else None
    except StoreBusyError as error:
        refusal = str(error)
    if refusal:
        st.session_state["auth_error"] = refusal
        return
    st.session_state[TOKEN_KEY], st.session_state[USER_KEY] = token, user
    st.session_state.pop("auth_error", None)


def _sign_out() -> None:
    token = st.session_state.pop(TOKEN_KEY, None)
    st.session_state.pop(USER_KEY, None)
    if token:
        try:
            with write_session(None, wait_seconds=5) as connection:
                sign_out(connection, token)
        except StoreBusyError:
            pass  # the session still expires on its own


def render_account_box() -> User | None:
    """The sidebar's sign-in form, or who is signed in with a sign-out button."""
    user = current_user()
    with st.sidebar:
        if user:
            regions = "все регионы" if user.role == "admin" else ", ".join(user.regions)
            st.caption(f"Вы вошли: **{user.name}** ({ROLE_LABELS[user.role]}; {regions})")
            st.button("Выйти", key="auth_sign_out", on_click=_sign_out)
            return user
        with st.expander("Вход для редакторов", expanded=login_required()):
            with st.form("auth_form", clear_on_submit=True, border=False):
                name = st.text_input("Имя пользователя", key="auth_name")
                password = st.text_input("Пароль", type="password", key="auth_password")
                if st.form_submit_button("Войти"):
                    _sign_in(name, password)
                    st.rerun()
            if st.session_state.get("auth_error"):
                st.error(st.session_state["auth_error"])
    return None
