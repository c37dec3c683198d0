"""Pattern analysis: pure functions over plain data (no ORM, no Django settings).

Each module computes one finding with the numbers behind it; `summary.analyse` puts them
together. Their types, the summary's JSON contract, are in `findings`. Nothing here ever names
a diagnosis: reference conditions are material to discuss with a doctor, and red-flag symptoms
always raise a "see a doctor soon" notice.
"""
