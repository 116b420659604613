"""Which addresses webhooks may be sent to, and how their URLs are shown."""

import ipaddress

import pytest

from analytics.webhook_targets import forbidden, redact


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "0.0.0.0",
        "10.0.0.5",
        "172.16.3.4",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.100.100.200",  # carrier-grade NAT (Alibaba's metadata)
        "224.0.0.1",  # multicast
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fd00:ec2::254",  # AWS's IPv6 metadata
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:169.254.169.254",
        "2002:7f00:1::",  # 6to4 around 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 around 169.254.169.254
        "ff02::1",
    ],
)
def test_internal_addresses_are_forbidden(address):
    assert forbidden(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:2800:220:1::1"])
def test_public_addresses_are_allowed(address):
    assert not forbidden(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "https://user:hunter2@hooks.example.com/x?a=1",
            "https://user:***@hooks.example.com/x?a=1",
        ),
        (
            "https://user:hunter2@hooks.example.com:8443/x",
            "https://user:***@hooks.example.com:8443/x",
        ),
        ("https://token@hooks.example.com/x", "https://***@hooks.example.com/x"),
        ("https://hooks.example.com/x", "https://hooks.example.com/x"),
    ],
)
def test_credentials_are_redacted(url, shown):
    assert redact(url) == shown
