"""How to reach one Kibana: URL, space, auth and TLS from flags, env vars or files.

Precedence: flag, then env var (KIBANA_URL, KIBANA_SPACE, KIBANA_API_KEY, KIBANA_API_KEY_FILE,
KIBANA_USERNAME, KIBANA_PASSWORD, KIBANA_PASSWORD_FILE, KIBANA_CA_CERT, KIBANA_TIMEOUT), then
default. Secrets come only from env vars or files, are never defaulted, never serialised and
never printed: `describe()` names the kind of auth, not its value.
"""

from __future__ import annotations

import base64
import os
import re
import ssl
from dataclasses import dataclass, field

from ..errors import InputError
from ..secrets import secret_from_env

DEFAULT_SPACE = "default"
_SPACE_ID = re.compile(r"^[a-z0-9_-]+$")  # Kibana space ids: lowercase letters, digits, '_' and '-'


@dataclass
class KibanaSettings:
    """One Kibana and one space in it."""

    url: str
    space: str = DEFAULT_SPACE
    api_key: str | None = field(default=None, repr=False)
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_cert: str | None = None
    verify_certs: bool = True
    timeout: float = 30.0

    @classmethod
    def resolve(
        cls,
        url: str | None = None,
        space: str | None = None,
        ca_cert: str | None = None,
        insecure: bool = False,
    ) -> KibanaSettings:
        """Flags over env vars; InputError without a URL anywhere or with a malformed space id."""
        url = url or os.environ.get("KIBANA_URL")
        if not url:
            raise InputError("no Kibana URL: pass --kibana-url or set KIBANA_URL")
        if not url.startswith(("http://", "https://")):
            raise InputError(f"Kibana URL must start with http:// or https://: {url}")
        space = space or os.environ.get("KIBANA_SPACE") or DEFAULT_SPACE
        if not _SPACE_ID.match(space):
            raise InputError(f"bad space id {space!r}: lowercase letters, digits, '_' and '-' only")
        return cls(
            url=url.rstrip("/"),
            space=space,
            api_key=secret_from_env("KIBANA_API_KEY", "KIBANA_API_KEY_FILE"),
            username=os.environ.get("KIBANA_USERNAME"),
            password=secret_from_env("KIBANA_PASSWORD", "KIBANA_PASSWORD_FILE"),
            ca_cert=ca_cert or os.environ.get("KIBANA_CA_CERT"),
            verify_certs=not insecure,
            timeout=float(os.environ.get("KIBANA_TIMEOUT") or 30.0),
        )

    @property
    def base(self) -> str:
        """URL prefix of the space's API (the default space has no `/s/<id>` segment)."""
        return self.url if self.space == DEFAULT_SPACE else f"{self.url}/s/{self.space}"

    def describe(self) -> str:
        """Safe to print: URL, space and which kind of auth, never the secret."""
        auth = (
            "api key"
            if self.api_key
            else f"basic ({self.username})"
            if self.username
            else "no auth"
        )
        return f"{self.url} space {self.space} [{auth}]"

    def auth_header(self) -> str | None:
        """The Authorization header value (API key wins over basic auth); None without auth."""
        if self.api_key:
            return f"ApiKey {self.api_key}"
        if self.username:
            token = base64.b64encode(f"{self.username}:{self.password or ''}".encode()).decode()
            return f"Basic {token}"
        return None

    def ssl_context(self) -> ssl.SSLContext | None:
        """Verifying context for https (with --ca-cert if given); None for plain http."""
        if not self.url.startswith("https://"):
            return None
        if not self.verify_certs:
            return ssl._create_unverified_context()
        try:
            return ssl.create_default_context(cafile=self.ca_cert)
        except (OSError, ssl.SSLError) as exc:
            raise InputError(f"cannot load CA certificate: {exc}", self.ca_cert) from None
