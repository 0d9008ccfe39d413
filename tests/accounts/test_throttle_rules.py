"""The pure rules of sign-in throttling (accounts.rules): the doubling delay, the account under attack, the
address a client is counted by."""

import pytest

from award_app.accounts.rules import Counts, SignInLimits, client_key, delay_after, wait_seconds

LIMITS = SignInLimits()


def test_five_free_failures_then_a_delay_that_doubles_up_to_fifteen_minutes():
    delays = [delay_after(n, 0, LIMITS) for n in range(0, 16)]
    assert delays[:5] == [0, 0, 0, 0, 0]
    assert delays[5:14] == [2, 4, 8, 16, 32, 64, 128, 256, 512]
    assert delays[14:] == [900, 900]


def test_an_account_under_attack_holds_back_every_address_that_failed_on_it_but_no_other():
    assert delay_after(1, LIMITS.account_failures, LIMITS) == LIMITS.max_delay
    assert delay_after(1, LIMITS.account_failures - 1, LIMITS) == 0
    assert delay_after(0, 10_000, LIMITS) == 0  # an address with no failure on the account: never


def test_the_wait_counts_from_this_address_s_own_last_failure():
    counts = Counts(pair=6, pair_last=1000.0)
    assert wait_seconds(counts, 1001.0, LIMITS) == 3.0
    assert wait_seconds(counts, 1004.0, LIMITS) == 0.0
    assert wait_seconds(Counts(pair=1, pair_last=1000.0, account=999), 1000.0 + 900, LIMITS) == 0.0
    # A try whose clock is behind the last failure (sent at once, another server) waits only if a delay is due.
    assert wait_seconds(Counts(pair=3, pair_last=1000.5), 1000.0, LIMITS) == 0.0
    assert wait_seconds(Counts(pair=5, pair_last=1000.5), 1000.0, LIMITS) == 2.5


@pytest.mark.parametrize(("address", "key"), [
    ("203.0.113.7", "203.0.113.7"),
    ("::ffff:203.0.113.7", "203.0.113.7"),
    ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
    ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),  # the same /64: one client
    ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
    (None, "unknown"),
])
def test_a_client_is_counted_by_its_address_and_ipv6_by_its_64(address, key):
    assert client_key(address) == key
