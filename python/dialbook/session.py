"""An authenticated requests.Session for dialbookd or the cloud: it gets an
OAuth token with the client credentials grant (POST /oauth/token), renews it
shortly before it expires, and once more when the server says it is no
longer valid (401), then sends the request again.

Paths starting with "/" are relative to the base URL, so
`session.get("/api/v2/outbound/contactlists")` works.
"""
import threading
import time

import requests

from .errors import Error, bad_argument

# Renew this long before the token's expires_in runs out (seconds).
RENEW_MARGIN_S = 60


class Session(requests.Session):
    """requests.Session with a bearer token from client credentials.

    base_url       "http://127.0.0.1:8080" (no trailing path)
    client_id, client_secret  the OAuth client's credentials
    scope          optional space-separated scopes to ask the token for
    token_url      default base_url + "/oauth/token" (the cloud: login.<region>/oauth/token)
    Raises dialbook.Error (status 401, "bad.credentials"...) when the token is refused.
    """

    def __init__(self, base_url, client_id, client_secret, scope=None, token_url=None):
        super().__init__()
        for name, value in (("base_url", base_url), ("client_id", client_id),
                            ("client_secret", client_secret)):
            if not isinstance(value, str) or not value:
                raise bad_argument(f"Session: {name} must be a non-empty string, got {value!r}")
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.scope = scope
        self.token_url = token_url or self.base_url + "/oauth/token"
        self.token = None
        self.token_expires = 0.0  # time.monotonic() when the token runs out
        self.token_renewals = 0
        self._lock = threading.Lock()

    def url(self, path):
        return self.base_url + path if path.startswith("/") else path

    def fetch_token(self):
        """Gets a new token now; returns it."""
        data = {"grant_type": "client_credentials"}
        if self.scope:
            data["scope"] = self.scope
        try:
            r = requests.post(self.token_url, auth=(self.client_id, self.client_secret),
                              data=data, timeout=60)
        except requests.RequestException as e:
            raise Error(f"cannot reach {self.token_url}: {e}", code="network") from e
        if r.status_code != 200:
            raise Error.from_response(r, "cannot get a token")
        body = r.json()
        self.token = body["access_token"]
        self.token_expires = time.monotonic() + float(body.get("expires_in", 86399))
        self.token_renewals += 1
        return self.token

    def _current_token(self, force=False):
        with self._lock:
            if force or not self.token or time.monotonic() > self.token_expires - RENEW_MARGIN_S:
                self.fetch_token()
            return self.token

    @staticmethod
    def _replayable(kwargs):
        """A body that can be sent twice (a stream is only when it can seek back)."""
        data = kwargs.get("data")
        if data is None or isinstance(data, (bytes, str, dict, list, tuple)):
            return True
        return hasattr(data, "seek")

    def request(self, method, url, *args, **kwargs):
        url = self.url(url)
        if url.startswith(self.token_url):
            return super().request(method, url, *args, **kwargs)
        headers = dict(kwargs.pop("headers", None) or {})
        headers["Authorization"] = "Bearer " + self._current_token()
        r = super().request(method, url, *args, headers=headers, **kwargs)
        # An expired or revoked token: one more try with a new one.
        if r.status_code == 401 and self._replayable(kwargs):
            data = kwargs.get("data")
            if hasattr(data, "seek"):
                data.seek(0)
            headers["Authorization"] = "Bearer " + self._current_token(force=True)
            r = super().request(method, url, *args, headers=headers, **kwargs)
        return r
