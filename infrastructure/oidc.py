"""People signed in by the kommun's identity provider: OIDC bearer JWTs checked against its
published keys (JWKS), a claim naming the person (e.g. Entra ID's ``oid`` mapped to our
person ids by the IdP's claims mapping)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import jwt

ALGORITHMS = ["RS256", "ES256", "EdDSA"]


@dataclass(frozen=True)
class JwtVerifier:
    keys: jwt.PyJWKSet
    issuer: str | None
    audience: str | None
    person_claim: str

    @classmethod
    def from_file(cls, path: Path, issuer: str | None, audience: str | None,
                  person_claim: str) -> JwtVerifier:
        return cls(jwt.PyJWKSet.from_dict(json.loads(path.read_text(encoding="utf-8"))),
                   issuer, audience, person_claim)

    def person_id(self, token: str) -> str | None:
        """The person the token names; None for a token that does not verify (signature,
        expiry, issuer, audience) or names nobody."""
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            key = self.keys[kid] if kid else self.keys.keys[0]
            claims = jwt.decode(token, key=key, algorithms=ALGORITHMS, issuer=self.issuer,
                                audience=self.audience,
                                options={"require": ["exp"], "verify_aud": bool(self.audience)})
        except (jwt.PyJWTError, KeyError, IndexError):
            return None
        person = claims.get(self.person_claim)
        return person if isinstance(person, str) and person else None
