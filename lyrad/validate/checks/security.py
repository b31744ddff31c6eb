"""Security compliance: where credentials come from, what the key may do, leaks (SEC-01 ... 10)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from urllib.parse import quote, quote_plus, urlsplit

from lyrad.domain.errors import AuthenticationFailed, OrderRejected, VenueError
from lyrad.exchanges.quirks import Endpoint
from lyrad.validate.calls import ccxt_lineage, library_class
from lyrad.validate.context import ErrorObservation, Mode, RunContext
from lyrad.validate.model import NotApplicable, NotRun, Outcome, failed, judged, passed, warned
from lyrad.validate.venue_extras import KeyPermissions

DAY_MS = 86_400_000
EXPIRY_MARGIN_MS = 14 * DAY_MS
_SAFE_SOURCES = ("vault", "systemd")


async def sec_01(ctx: RunContext) -> Outcome:
    source = ctx.options.credential_source
    if ctx.options.mode is Mode.SIM:
        raise NotApplicable(f"simulated venue: credentials are {source}, not an operator's key")
    if source in _SAFE_SOURCES:
        return passed(f"key and secret resolved from the {source}", source=source)
    if ctx.options.mode is Mode.SANDBOX:
        return warned(f"sandbox key resolved from {source}, not the vault", source=source)
    return failed(f"live key resolved from {source}: move it into the vault", source=source)


async def sec_02(ctx: RunContext) -> Outcome:
    balances = await ctx.adapter.fetch_balances()
    ctx.facts.authenticated = True
    ctx.facts.balances = balances
    return passed(
        f"signed call succeeded in {ctx.options.mode.value} mode ({len(balances)} assets)",
        mode=ctx.options.mode.value,
        key=ctx.options.key_id,
    )


async def sec_03(ctx: RunContext) -> Outcome:
    ctx.require_auth()
    error: VenueError | None = None
    # The bad secret is the run's canary: SEC-10 then catches any path that leaks secrets.
    async with ctx.factory.open(secret=ctx.canary) as copy:
        await copy.adapter.load_markets()
        try:
            with ctx.calls.provoking():
                await copy.adapter.fetch_balances()
        except VenueError as e:
            error = e
        counts = copy.requests(Endpoint.FETCH_BALANCES)
    ctx.facts.errors.append(_observation("AuthenticationError", "SEC-03", error))
    sent = sum(n for outcome, n in counts.items() if outcome != "rate_limited")
    problems = []
    if not isinstance(error, AuthenticationFailed):
        problems.append(f"a corrupted secret gave {type(error).__name__ if error else 'success'}")
    if sent != 1:
        problems.append(f"the refused request was sent {sent} times (once expected)")
    await ctx.adapter.fetch_balances()  # the real session still works
    return judged(
        problems,
        "corrupted secret refused with AuthenticationError, sent once; real session unaffected",
        outcome=type(error).__name__ if error else None,
        ccxt_class=library_class(error) if error else None,
        sent=sent,
    )


def _observation(provoked: str, check: str, error: VenueError | None) -> ErrorObservation:
    return ErrorObservation(
        provoked=provoked,
        check=check,
        lyrad_class=type(error).__name__ if error else None,
        ccxt_class=library_class(error) if error else None,
        ccxt_lineage=ccxt_lineage(error) if error else (),
        definitive=isinstance(error, OrderRejected | AuthenticationFailed) if error else None,
        sent=error is not None and error.__cause__ is not None,
    )


async def _permissions(ctx: RunContext) -> KeyPermissions:
    ctx.require_auth()
    extras = ctx.require_extras()
    if not ctx.facts.permissions_read:
        ctx.facts.permissions = await extras.fetch_key_permissions()
        ctx.facts.permissions_read = True
    if ctx.facts.permissions is None:
        raise NotApplicable("the venue cannot report the key's permissions: attest them by hand")
    return ctx.facts.permissions


async def sec_04(ctx: RunContext) -> Outcome:
    permissions = await _permissions(ctx)
    if permissions.withdrawals is None:
        raise NotApplicable("the venue does not report withdrawal permission: attest by hand")
    if permissions.withdrawals:
        return failed("the key can withdraw funds", enable_withdrawals=True)
    return passed("the key cannot withdraw", enable_withdrawals=False)


async def sec_05(ctx: RunContext) -> Outcome:
    permissions = await _permissions(ctx)
    if permissions.ip_restricted is None:
        return warned("the venue does not report an IP allow-list")
    if not permissions.ip_restricted:
        return failed("the key is usable from any IP address", ip_restrict=False)
    return passed("the key is restricted to listed IP addresses", ip_restrict=True)


async def sec_06(ctx: RunContext) -> Outcome:
    permissions = await _permissions(ctx)
    extra = {
        "margin": permissions.margin,
        "futures": permissions.futures,
        "options": permissions.options,
        "internal transfer": permissions.internal_transfer,
        "universal transfer": permissions.universal_transfer,
    }
    granted = [name for name, on in extra.items() if on]
    problems = [f"the key grants {name}, which a spot bot does not need" for name in granted]
    return judged(problems, "the key grants spot trading and reading only", granted=granted)


async def sec_07(ctx: RunContext) -> Outcome:
    permissions = await _permissions(ctx)
    now = ctx.wall_ms()
    age_days = None if permissions.created_ms is None else (now - permissions.created_ms) / DAY_MS
    measured = {"age_days": None if age_days is None else round(age_days, 2)}
    expires = permissions.trading_expires_ms
    if expires is not None and expires - now < EXPIRY_MARGIN_MS:
        return failed(
            f"trading authority expires in {(expires - now) / DAY_MS:.1f} days", **measured
        )
    return passed("no expiry within 14 days", **measured)


def _hosts(urls: tuple[str, ...]) -> set[str]:
    return {urlsplit(url).hostname or url for url in urls}


async def sec_08(ctx: RunContext) -> Outcome:
    description = ctx.require_description()
    mode = ctx.options.mode
    if mode is Mode.SIM:
        raise NotApplicable("simulated venue on loopback: no official host to pin")
    allowed = description.sandbox_hosts if mode is Mode.SANDBOX else description.official_hosts
    stray = sorted(_hosts(description.api_urls) - allowed)
    if stray:
        return failed(f"{mode.value} mode calls hosts outside the venue's: {', '.join(stray)}")
    return passed(f"every API host is one of the venue's {mode.value} hosts")


async def sec_09(ctx: RunContext) -> Outcome:
    description = ctx.require_description()
    if ctx.options.mode is Mode.SIM:
        raise NotApplicable("simulated venue on loopback: plain HTTP by design")
    problems = [f"{u} is not https" for u in description.api_urls if not u.startswith("https://")]
    problems += [f"{u} is not wss" for u in description.ws_urls if not u.startswith("wss://")]
    if not description.tls_verify:
        problems.append("TLS certificate verification is off")
    if description.proxy:
        problems.append("a proxy is configured")
    return judged(problems, "https and wss only, TLS verified, no proxy")


def encodings(secret: str) -> set[str]:
    """The forms a secret may leak in: as is and URL-encoded."""
    return {secret, quote(secret, safe=""), quote_plus(secret)}


async def sec_10(ctx: RunContext) -> Outcome:
    if ctx.leak_sources is None:
        raise NotRun("no artefacts to scan")
    names = {"api key": ctx.secrets[0], "secret": ctx.secrets[1], "canary": ctx.canary}
    leaks = []
    scanned = []
    for source, text in ctx.leak_sources():
        scanned.append(source)
        for name, secret in names.items():
            if secret and any(form in text for form in encodings(secret)):
                leaks.append(f"the {name} appears in the {source}")
    return judged(
        leaks,
        f"key, secret and canary absent from {', '.join(scanned)}; "
        f"key shown as {ctx.options.key_id}",
        scanned=scanned,
    )


CheckFn = Callable[[RunContext], Awaitable[Outcome]]
CHECKS: Mapping[str, CheckFn] = {
    "SEC-01": sec_01, "SEC-02": sec_02, "SEC-03": sec_03, "SEC-04": sec_04, "SEC-05": sec_05,
    "SEC-06": sec_06, "SEC-07": sec_07, "SEC-08": sec_08, "SEC-09": sec_09, "SEC-10": sec_10,
}  # fmt: skip
