"""Where webhooks may be sent: public addresses only, unless ALLOW_PRIVATE_WEBHOOKS=1.

A webhook URL is chosen by whoever adds it, and the server then POSTs run data there. Pointed at
the cloud's metadata service (169.254.169.254), the server's own loopback or the office LAN, that
is a request from inside the firewall (SSRF). So the addresses a name resolves to are checked
when a webhook is added and again on the very connection that sends each delivery: a name that
resolves elsewhere by then (DNS rebinding) is caught too, with nothing between check and connect.
Credentials in a URL (https://user:password@host/…) are shown only redacted.
"""

import functools
import http.client
import ipaddress
import socket
import urllib.request
from urllib.parse import unquote, urlsplit, urlunsplit

# NAT64 (RFC 6052) embeds an IPv4 address in its last 32 bits.
NAT64 = ipaddress.ip_network("64:ff9b::/96")
HOW_TO_ALLOW = "set ALLOW_PRIVATE_WEBHOOKS=1 for a receiver on the LAN"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class PrivateAddress(OSError):
    """The receiver's address is not a public one (an OSError, so urllib reports it as the
    connection's failure)."""


def forbidden(address: IPAddress) -> bool:
    """Whether `address` is anything but a public unicast address: loopback, private, link-local
    (metadata), carrier-grade NAT, multicast, reserved, and IPv4 ones wrapped in IPv6."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:  # ::ffff:127.0.0.1 is not is_loopback on 3.11
            address = address.ipv4_mapped
        elif address.sixtofour is not None:  # 2002:7f00:1:: counts as global
            address = address.sixtofour
        elif address in NAT64:
            address = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return not address.is_global or address.is_multicast


def addresses(host: str, port: int | None) -> list[IPAddress]:
    """Every address `host` resolves to now (socket.gaierror when it does not); numeric forms
    such as 0x7f.1 or 2130706433 come out as the address they mean."""
    return _ips(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))


def _ips(infos: list) -> list[IPAddress]:
    # An IPv6 link-local address may carry its interface ("fe80::1%eth0").
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def check_addresses(host: str, found: list[IPAddress], allow_private: bool) -> None:
    """PrivateAddress if any of `found` (what `host` resolved to) is not public."""
    if allow_private:
        return
    for address in found:
        if forbidden(address):
            raise PrivateAddress(
                f"{host} resolves to {address}, which is not a public address; webhooks are only "
                f"sent to public addresses ({HOW_TO_ALLOW})"
                if host != str(address)
                else f"{address} is not a public address; webhooks are only sent to public "
                f"addresses ({HOW_TO_ALLOW})"
            )


def check_connection(address, timeout=None, source_address=None, *, allow_private: bool):
    """socket.create_connection that resolves the host itself, refuses non-public addresses and
    connects to an address it checked, so nothing can change between the check and the send."""
    host, port = address
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    check_addresses(host, _ips(infos), allow_private)
    failure: OSError = OSError(f"{host} has no address")
    for family, kind, proto, _name, target in infos:
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not None:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(target)
            return sock
        except OSError as error:
            sock.close()
            failure = error
    raise failure


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect turns a POST into a GET without the body, and could point anywhere: report it
    as the failure it is."""

    def redirect_request(self, *_args, **_kwargs):
        return None


def _checked(connection_class, allow_private: bool):
    def connection(host, **kwargs):
        made = connection_class(host, **kwargs)
        made._create_connection = functools.partial(check_connection, allow_private=allow_private)
        return made

    return connection


class _CheckedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, allow_private: bool):
        super().__init__()
        self.allow_private = allow_private

    def http_open(self, req):
        return self.do_open(_checked(http.client.HTTPConnection, self.allow_private), req)


class _CheckedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, allow_private: bool):
        super().__init__()
        self.allow_private = allow_private

    def https_open(self, req):
        # HTTPSConnection wraps the checked socket in TLS for the host name: certificate checks
        # and SNI are unchanged.
        connection = _checked(http.client.HTTPSConnection, self.allow_private)
        return self.do_open(connection, req, context=self._context)


def opener(allow_private: bool) -> urllib.request.OpenerDirector:
    """A urllib opener for deliveries: checked connections, no redirects, and no proxy from the
    environment (a proxy would make the connection, and the check, elsewhere)."""
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        _NoRedirects,
        _CheckedHTTPHandler(allow_private),
        _CheckedHTTPSHandler(allow_private),
    )


def redact(url: str) -> str:
    """`url` with the password (or a lone token) in its user part replaced by ***."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    user = f"{parts.username}:***" if parts.password is not None else "***"
    return urlunsplit(parts._replace(netloc=f"{user}@{host}"))


def without_credentials(url: str) -> tuple[str, tuple[str, str] | None]:
    """`url` without its user part, and (user, password) from it if it had one."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, None
    host = parts.netloc.rpartition("@")[2]
    bare = urlunsplit(parts._replace(netloc=host))
    return bare, (unquote(parts.username or ""), unquote(parts.password or ""))
