"""The two staff groups; inquiries migration 0003 creates them with their permissions."""

OPERATORS = "Operators"
PRIVACY_OFFICERS = "Privacy officers"
