"""Zalo OA access tokens: refreshed ahead of expiry with the single-use refresh token,
and stored before use so that a crash never loses the only valid token."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import httpx
from pydantic import SecretStr

from bot.store.zalo import OaToken, OaTokens

log = logging.getLogger(__name__)


class OaTokenError(Exception):
    """No usable access token (the message says why, without any token)."""


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: float


def parse_token_response(raw: str) -> TokenPair | None:
    """``{"access_token","refresh_token","expires_in":"90000"}`` (a string) as a pair."""
    try:
        data = json.loads(raw)
        pair = TokenPair(
            str(data["access_token"]), str(data["refresh_token"]), float(data["expires_in"])
        )
    except (ValueError, KeyError, TypeError):
        return None
    return pair if pair.access_token and pair.refresh_token else None


class OaTokenManager:
    """Access tokens for the OA API, refreshed ahead of expiry, stored before use.

    Zalo's refresh token is single use: once the OAuth server has answered, the token we
    sent is dead and the answer holds the only valid one. So the raw answer is written to
    SQLite (one INSERT, committed) before it is even parsed, the parsed pair is then filled
    in (one UPDATE), and only after that is the new access token used. A crash after the
    INSERT leaves a 'pending' row that the next load parses; if the INSERT itself fails,
    the answer stays in memory and is stored before anything else is tried, so the dead
    token is never sent again. Left open: an answer lost on the network (re-authorise in
    the Zalo console and set TOURBOT_ZALO_OA_REFRESH_TOKEN; a token never stored before
    is taken as the new seed). Refreshes are serialised by a lock, and the database is
    re-read first, in case another process (the CLI) refreshed meanwhile.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        oauth_url: str,
        app_id: str,
        secret_key: SecretStr,
        repo: OaTokens,
        seed: SecretStr | None = None,
        margin: float = 600.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._http = http
        self._url = oauth_url.rstrip("/") + "/v4/oa/access_token"
        self._app_id = app_id
        self._secret = secret_key
        self._repo = repo
        self._seed = seed
        self._margin = margin
        self._clock = clock
        self._lock = asyncio.Lock()
        self._current: OaToken | None = None
        self._loaded = False
        self._unsaved: tuple[str, float] | None = None

    async def access_token(self) -> str:
        """A token valid for at least ``margin`` more seconds."""
        async with self._lock, _token_failures():
            if not self._loaded:
                await self._reload()
            token = self._fresh()
            if token is None:
                await self._reload()  # another process may have refreshed meanwhile
                token = self._fresh() or await self._rotate()
            return token

    async def refresh(self, stale: str) -> str:
        """A new token after the API refused ``stale``: refresh unless someone already did."""
        async with self._lock, _token_failures():
            await self._reload()
            token = self._fresh()
            if token is None or token == stale:
                token = await self._rotate()
            return token

    def _fresh(self) -> str | None:
        current = self._current
        if current is None or not current.access_token:
            return None
        return current.access_token if current.expires_at - self._margin > self._clock() else None

    async def _reload(self) -> None:
        if self._unsaved is not None:  # an answer the database refused last time
            raw, received_at = self._unsaved
            await self._repo.record_response(self._app_id, raw, received_at)
            self._unsaved = None
        seed = self._seed.get_secret_value() if self._seed is not None else ""
        if not self._loaded and seed and await self._repo.seed(self._app_id, seed):
            log.info("zalo-oa: stored the configured refresh token")
        for row_id, raw, received_at in await self._repo.pending(self._app_id):
            await self._store_pair(row_id, raw, received_at)
        self._current = await self._repo.current(self._app_id)
        self._loaded = True

    async def _store_pair(self, row_id: int, raw: str, received_at: float) -> TokenPair:
        pair = parse_token_response(raw)
        if pair is None:
            await self._repo.mark_unreadable(row_id)
            log.error("zalo-oa: OAuth answer in token row %d is unreadable (kept)", row_id)
            raise OaTokenError(f"unreadable OAuth answer (token row {row_id})")
        expires_at = received_at + pair.expires_in
        await self._repo.set_pair(row_id, pair.access_token, pair.refresh_token, expires_at)
        return pair

    async def _rotate(self) -> str:
        current = self._current
        if current is None:
            raise OaTokenError("no refresh token stored: set TOURBOT_ZALO_OA_REFRESH_TOKEN")
        raw = await self._call_oauth(current.refresh_token)
        received_at = self._clock()
        # From here on the old refresh token is dead: store the answer before anything else.
        self._unsaved = (raw, received_at)
        row_id = await self._repo.record_response(self._app_id, raw, received_at)
        self._unsaved = None
        pair = await self._store_pair(row_id, raw, received_at)
        self._current = OaToken(
            row_id, pair.refresh_token, pair.access_token, received_at + pair.expires_in
        )
        log.info("zalo-oa: access token refreshed (valid %.0f s)", pair.expires_in)
        return pair.access_token

    async def _call_oauth(self, refresh_token: str) -> str:
        form = {
            "app_id": self._app_id,
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
        }
        try:
            response = await self._http.post(
                self._url, headers={"secret_key": self._secret.get_secret_value()}, data=form
            )
        except httpx.HTTPError as exc:
            raise OaTokenError(f"OAuth server unreachable ({type(exc).__name__})") from None
        raw = response.text
        if response.status_code != 200 or '"refresh_token"' not in raw:
            try:
                code = json.loads(raw).get("error")
            except (ValueError, AttributeError):
                code = None
            raise OaTokenError(f"refresh refused (HTTP {response.status_code}, error {code})")
        return raw


@contextlib.asynccontextmanager
async def _token_failures() -> AsyncIterator[None]:
    """Report any failure inside the token manager (the database, say) as ``OaTokenError``."""
    try:
        yield
    except OaTokenError:
        raise
    except Exception as exc:
        raise OaTokenError(f"token store failed ({type(exc).__name__}: {exc})") from exc
