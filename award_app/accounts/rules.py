"""Pure rules of sign-in throttling (no Flask, no storage): how long a client waits before its next try.

Three counts of failed sign-ins decide (award_app/accounts/throttle.py keeps them, in Redis or in memory):
- per client address, over every account, in a fixed window (password spraying: one address trying a common
  password on 40 accounts is stopped after SIGN_IN_ADDRESS_FAILURES);
- per account *and* address, remembered for a day: a few free failures, then a delay that doubles with each
  further failure up to a cap (guessing one account from one address slows to one try per cap);
- per account from anywhere, in a fixed window: past SIGN_IN_ACCOUNT_FAILURES the account is under attack, and
  every address that has already failed on it waits the full cap between its tries.

An address that has not failed on the account is never held back by the account's count: the owner signing in
from their phone, their office or a new network with the right password gets in however many times an attacker
failed elsewhere. What the attacker gains from that is one guess per fresh address, and each address is also
bounded by its own count over all accounts."""

import ipaddress
import math
from dataclasses import dataclass

# An IPv6 client owns a whole /64 (2^64 addresses): it is counted as one address.
IPV6_CLIENT_PREFIX = 64


@dataclass(frozen=True)
class SignInLimits:
    free_failures: int = 5           # per account and address before any delay
    max_delay: float = 900.0         # seconds: the doubling delay stops here (15 minutes)
    account_failures: int = 30       # failures on one account from anywhere within account_window: under attack
    account_window: float = 3600.0   # seconds
    address_failures: int = 30       # failures from one address over every account within address_window
    address_window: float = 900.0    # seconds
    memory: float = 86400.0          # seconds an account-and-address count is kept after its last failure


@dataclass(frozen=True)
class Counts:
    """What the store holds for one try: failures from this address (any account, current window), from this
    address on this account (and when the last was), and on this account from anywhere (current window)."""
    address: int = 0
    pair: int = 0
    pair_last: float = 0.0
    account: int = 0


def delay_after(pair_failures: int, account_failures: int, limits: SignInLimits) -> float:
    """Seconds that must pass after this address's last failure on this account before it may try again:
    none for the first free_failures, then 2, 4, 8 … up to max_delay; max_delay at once when the account is
    under attack and this address has failed on it. An address with no failure on the account never waits."""
    if pair_failures <= 0:
        return 0.0
    if account_failures >= limits.account_failures:
        return limits.max_delay
    if pair_failures < limits.free_failures:
        return 0.0
    return min(2.0 ** (pair_failures - limits.free_failures + 1), limits.max_delay)


def address_is_spent(counts: Counts, limits: SignInLimits) -> bool:
    return counts.address >= limits.address_failures


def wait_seconds(counts: Counts, now: float, limits: SignInLimits) -> float:
    """How long this account-and-address must still wait (0: the try may be evaluated). The address's own
    window is checked apart (address_is_spent): it lasts until that window ends. With no delay due there is
    no wait, even when `now` is a little behind the last failure (tries at once, servers' clocks apart)."""
    delay = delay_after(counts.pair, counts.account, limits)
    return max(0.0, counts.pair_last + delay - now) if delay > 0 else 0.0


def whole_seconds(seconds: float) -> int:
    """A wait as told to the client (Retry-After): rounded up, at least 1."""
    return max(1, math.ceil(seconds))


def client_key(address: str | None) -> str:
    """The address a client is counted by: IPv4 as is (an IPv4-mapped IPv6 address as its IPv4), IPv6 by its /64
    network; anything unreadable as given."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return address or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_CLIENT_PREFIX}", strict=False))
    return str(ip)
