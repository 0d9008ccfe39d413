"""Users, roles, scoped memberships, sign-in and registration (foundation)."""
