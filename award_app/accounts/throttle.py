"""Sign-in throttling that protects without locking the owner out (the rules: award_app/accounts/rules.py).

A try is *taken* before its password is checked: in one atomic step the store reads the three counts, decides,
and when the try may go on counts it as a failure already. Thirty tries sent at once therefore see each other:
after the free ones, the rest are refused without their password being checked. A try whose password is right
gives its failure back (`SignInAttempt.succeeded`), and the count of its account and address starts again.

Where the counts live follows RATELIMIT_STORAGE_URI, like Flask-Limiter's: Redis (one Lua script per step, so
every server and process shares them and two tries are never decided on the same counts) or, in development
and tests, this process's memory under a lock, with the same rules."""

import hashlib
import threading
import time
from dataclasses import dataclass

from flask import Flask, current_app, request

from award_app.accounts.rules import Counts, SignInLimits, address_is_spent, client_key, wait_seconds, whole_seconds

EXTENSION = "sign_in_throttle"
ADDRESS, ACCOUNT = "address", "account"

# The time the counts are kept in (seconds since the epoch); replaced in tests to move time on.
clock = time.time


@dataclass(frozen=True)
class Keys:
    address: str
    account: str
    pair: str


@dataclass(frozen=True)
class Refusal:
    wait: int     # whole seconds before the next try may be evaluated (Retry-After)
    reason: str   # ADDRESS: too many failures from this address; ACCOUNT: on this account from this address


class MemoryStore:
    """The counts in this process's memory (development, tests, a single process): one lock makes each step
    atomic. Several processes without Redis each keep their own counts."""

    SWEEP_ABOVE = 10_000  # entries kept before the expired ones are swept away

    def __init__(self):
        self._lock = threading.Lock()
        self._windows: dict[str, list[float]] = {}   # key → [failures, window end]
        self._pairs: dict[str, list[float]] = {}     # key → [failures, last failure, forgotten at]

    def _window(self, key: str, now: float) -> list[float] | None:
        entry = self._windows.get(key)
        if entry is not None and entry[1] <= now:
            del self._windows[key]
            return None
        return entry

    def _pair(self, key: str, now: float) -> list[float] | None:
        entry = self._pairs.get(key)
        if entry is not None and entry[2] <= now:
            del self._pairs[key]
            return None
        return entry

    def _count(self, key: str, now: float, window: float) -> None:
        entry = self._window(key, now)
        if entry is None:
            self._windows[key] = [1, now + window]
        else:
            entry[0] += 1

    def _sweep(self, now: float) -> None:
        if len(self._windows) + len(self._pairs) > self.SWEEP_ABOVE:
            for key in [k for k, v in self._windows.items() if v[1] <= now]:
                del self._windows[key]
            for key in [k for k, v in self._pairs.items() if v[2] <= now]:
                del self._pairs[key]

    def take(self, keys: Keys, now: float, limits: SignInLimits) -> Refusal | None:
        with self._lock:
            self._sweep(now)
            address = self._window(keys.address, now)
            pair = self._pair(keys.pair, now)
            account = self._window(keys.account, now)
            counts = Counts(address=int(address[0]) if address else 0, pair=int(pair[0]) if pair else 0,
                            pair_last=pair[1] if pair else 0.0, account=int(account[0]) if account else 0)
            if address_is_spent(counts, limits):
                return Refusal(whole_seconds(address[1] - now), ADDRESS)
            wait = wait_seconds(counts, now, limits)
            if wait > 0:
                return Refusal(whole_seconds(wait), ACCOUNT)
            self._count(keys.address, now, limits.address_window)
            self._count(keys.account, now, limits.account_window)
            failures = (pair[0] if pair else 0) + 1
            self._pairs[keys.pair] = [failures, now, now + limits.memory]
            return None

    def give_back(self, keys: Keys, now: float) -> None:
        with self._lock:
            self._pairs.pop(keys.pair, None)
            for key in (keys.address, keys.account):
                entry = self._window(key, now)
                if entry is not None and entry[0] > 0:
                    entry[0] -= 1


# The same rules as MemoryStore.take and award_app.accounts.rules, in one script: Redis runs it whole, with no
# other command in between. Numbers are returned as strings (Redis would cut a Lua number to an integer).
TAKE = """
local now = tonumber(ARGV[1])
local free, max_delay = tonumber(ARGV[2]), tonumber(ARGV[3])
local account_limit, account_window = tonumber(ARGV[4]), tonumber(ARGV[5])
local address_limit, address_window = tonumber(ARGV[6]), tonumber(ARGV[7])
local memory = tonumber(ARGV[8])
local address = tonumber(redis.call('GET', KEYS[1]) or '0')
if address >= address_limit then
  local left = redis.call('PTTL', KEYS[1])
  if left < 0 then left = address_window * 1000 end
  return {0, tostring(left / 1000), 'address'}
end
local pair = tonumber(redis.call('HGET', KEYS[3], 'n') or '0')
local last = tonumber(redis.call('HGET', KEYS[3], 'last') or '0')
local account = tonumber(redis.call('GET', KEYS[2]) or '0')
local delay = 0
if pair > 0 then
  if account >= account_limit then
    delay = max_delay
  elseif pair >= free then
    delay = math.min(2 ^ (pair - free + 1), max_delay)
  end
end
local wait = last + delay - now
if delay > 0 and wait > 0 then
  return {0, tostring(wait), 'account'}
end
local function count(key, window)
  redis.call('INCR', key)
  if redis.call('PTTL', key) < 0 then
    redis.call('PEXPIRE', key, math.floor(window * 1000))
  end
end
count(KEYS[1], address_window)
count(KEYS[2], account_window)
redis.call('HINCRBY', KEYS[3], 'n', 1)
redis.call('HSET', KEYS[3], 'last', ARGV[1])
redis.call('PEXPIRE', KEYS[3], math.floor(memory * 1000))
return {1, '0', ''}
"""

GIVE_BACK = """
redis.call('DEL', KEYS[3])
for i = 1, 2 do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then
    redis.call('DECR', KEYS[i])
  end
end
return 1
"""


class RedisStore:
    """The counts on Redis, shared by every server and process."""

    def __init__(self, url: str):
        from redis import Redis

        self._redis = Redis.from_url(url)
        self._take = self._redis.register_script(TAKE)
        self._give_back = self._redis.register_script(GIVE_BACK)

    @staticmethod
    def _keys(keys: Keys) -> list[str]:
        return [keys.address, keys.account, keys.pair]

    def take(self, keys: Keys, now: float, limits: SignInLimits) -> Refusal | None:
        allowed, wait, reason = self._take(keys=self._keys(keys), args=[
            repr(now), limits.free_failures, repr(limits.max_delay), limits.account_failures,
            repr(limits.account_window), limits.address_failures, repr(limits.address_window), repr(limits.memory)])
        if int(allowed):
            return None
        return Refusal(whole_seconds(float(wait)), reason.decode() if isinstance(reason, bytes) else reason)

    def give_back(self, keys: Keys, now: float) -> None:
        self._give_back(keys=self._keys(keys))


def store_for(uri: str) -> MemoryStore | RedisStore:
    if uri.startswith("memory://"):
        return MemoryStore()
    if uri.startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(uri)
    raise RuntimeError(f"RATELIMIT_STORAGE_URI must be memory:// or a Redis URL for sign-in throttling, not {uri!r}")


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = store_for(app.config["RATELIMIT_STORAGE_URI"])


def limits() -> SignInLimits:
    config = current_app.config
    return SignInLimits(
        free_failures=config["SIGN_IN_FREE_FAILURES"], max_delay=float(config["SIGN_IN_MAX_DELAY_SECONDS"]),
        account_failures=config["SIGN_IN_ACCOUNT_FAILURES"],
        account_window=config["SIGN_IN_ACCOUNT_WINDOW_MINUTES"] * 60.0,
        address_failures=config["SIGN_IN_ADDRESS_FAILURES"],
        address_window=config["SIGN_IN_ADDRESS_WINDOW_MINUTES"] * 60.0,
        memory=config["SIGN_IN_MEMORY_HOURS"] * 3600.0)


def keys_for(email: str, address: str | None) -> Keys:
    """Redis keys under RATELIMIT_KEY_PREFIX; the e-mail only as a digest (an unknown address is counted the
    same way as an account's, so the answers never tell them apart)."""
    prefix = f"{current_app.config['RATELIMIT_KEY_PREFIX']}:sign-in"
    account = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    client = client_key(address)
    return Keys(address=f"{prefix}:address:{client}", account=f"{prefix}:account:{account}",
                pair=f"{prefix}:pair:{account}:{client}")


class SignInAttempt:
    """One try at signing in, taken before the password is checked: `refusal` says whether it may go on."""

    def __init__(self, store, keys: Keys, refusal: Refusal | None):
        self._store, self._keys = store, keys
        self.refusal = refusal

    def succeeded(self) -> None:
        """The password was right: the try is not a failure, and this address starts again on this account."""
        self._store.give_back(self._keys, clock())


def take_sign_in_attempt(email: str) -> SignInAttempt:
    """A try for `email` from this request's client. When `refusal` is None it is already counted as a
    failure: call `succeeded` once the password proves right."""
    store = current_app.extensions[EXTENSION]
    keys = keys_for(email, request.remote_addr)
    return SignInAttempt(store, keys, store.take(keys, clock(), limits()))
