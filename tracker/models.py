# What is computed from the diary (stored summaries, reports, share links) lives here; see
# DESIGN.md. The analysis issue adds its models.
