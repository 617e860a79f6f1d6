from drf_spectacular.openapi import AutoSchema


class ApiSchema(AutoSchema):
    """Reads are public: say so in the schema (an empty security requirement) for safe methods."""

    def get_auth(self):
        auth = super().get_auth()
        if self.method in ("GET", "HEAD", "OPTIONS") and {} not in auth:
            auth.append({})
        return auth
