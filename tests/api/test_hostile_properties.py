"""Generated property tests for issue 15's faults 8 and 10: every internal address in every
IPv6 disguise is refused, every URL with userinfo is refused, every ID number typed into free
text is masked."""

from __future__ import annotations

import ipaddress

from hypothesis import given, settings
from hypothesis import strategies as st

from api.egress import TargetPolicy, is_public, redact_url, url_problem
from assign.decisions import Decision
from assign.masking import mask_id, mask_strings

INTERNAL_V4 = ["127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10",
               "0.0.0.0/8", "224.0.0.0/4", "240.0.0.0/4"]
INTERNAL_V6 = ["::1/128", "fe80::/10", "fc00::/7", "ff00::/8"]
internal_v4 = st.sampled_from(INTERNAL_V4).flatmap(lambda n: st.ip_addresses(network=n))
internal_v6 = st.sampled_from(INTERNAL_V6).flatmap(lambda n: st.ip_addresses(network=n))


def disguises(v4: ipaddress.IPv4Address) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The same IPv4 host as IPv6 can carry it: mapped, NAT64, 6to4."""
    n = int(v4)
    return [v4, ipaddress.IPv6Address(0xFFFF << 32 | n), ipaddress.IPv6Address(0x64FF9B << 96 | n),
            ipaddress.IPv6Address(0x2002 << 112 | n << 80)]


@given(internal_v4)
def test_an_internal_ipv4_address_is_refused_in_every_disguise(address: ipaddress.IPv4Address) -> None:
    policy = TargetPolicy.parse("")
    for form in disguises(address):
        assert not is_public(form) and not policy.allowed("example.org", form), form


@given(internal_v6)
def test_an_internal_ipv6_address_is_refused(address: ipaddress.IPv6Address) -> None:
    assert not is_public(address)


@given(internal_v4)
def test_an_allow_listed_network_admits_its_addresses_and_only_them(address: ipaddress.IPv4Address) -> None:
    network = ipaddress.ip_network(f"{address}/24", strict=False)
    policy = TargetPolicy.parse(str(network))
    assert policy.allowed("x", address) and policy.allowed("x", disguises(address)[1])
    outside = ipaddress.IPv4Address((int(network.network_address) + 256) % 2**32)
    assert policy.allowed("x", outside) == is_public(outside)


userinfo = st.text(alphabet=st.characters(codec="ascii", categories=["L", "N"]), min_size=1, max_size=12)


@given(user=userinfo, password=st.one_of(st.none(), userinfo), scheme=st.sampled_from(["http", "https"]),
       host=st.sampled_from(["hooks.example.com", "203.0.113.9", "[2001:db8::1]"]))
def test_every_url_with_userinfo_is_refused_and_redacted(user: str, password: str | None, scheme: str,
                                                         host: str) -> None:
    credentials = user if password is None else f"{user}:{password}"
    url = f"{scheme}://{credentials}@{host}/hook"
    assert url_problem(url) is not None
    assert "@" not in redact_url(url) and redact_url(url).endswith(f"{host}/hook")


digits = st.text(alphabet="0123456789", min_size=17, max_size=17)
resident_ids = st.tuples(digits, st.sampled_from(list("0123456789Xx"))).map("".join)
credit_codes = st.tuples(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=2, max_size=2),
                         st.text(alphabet="0123456789", min_size=6, max_size=6),
                         st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=10, max_size=10)).map("".join)
# text around an ID that cannot glue onto it (Chinese, punctuation, spaces)
around = st.text(alphabet=st.characters(categories=["Lo", "P", "Zs"]), max_size=20)


@settings(max_examples=200)
@given(before=around, number=st.one_of(resident_ids, credit_codes), after=around)
def test_an_id_number_anywhere_in_a_decisions_free_text_is_masked(before: str, number: str, after: str) -> None:
    decision = Decision(recommendation_id=1, plan_id="p", case_nos='["c"]', action="reject",
                        reason=f"{before}{number}{after}", justification=f"{after}{number}")
    view = decision.as_view()
    assert number not in view["reason"] and number not in view["justification"]
    assert mask_id(number) in view["reason"]
    assert decision.as_dict()["reason"] == f"{before}{number}{after}"  # the stored words stay whole
    assert number not in str(mask_strings({"notes": [f"{before}{number}"], "n": 1}))
