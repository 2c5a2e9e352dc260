"""Use cases, one module per capability. Each takes a Session, primitives and an explicit `now`.

Services never commit: the caller owns the transaction (`with sessions.begin() as session:`), so one request is
one transaction and a failure leaves nothing half-written.
"""
