"""Names that cannot collide between tests (projects and experiments share one server)."""

import uuid


def project_name(prefix: str = "t") -> str:
    """A valid project (MLflow workspace) name: lowercase alphanumerics and inner hyphens."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def unique_name(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}"
