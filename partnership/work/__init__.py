""""My work": what waits for the signed-in user, gathered from every area's own queries."""
