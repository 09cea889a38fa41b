"""The service layer: the command bus and one handler module per aggregate family.

People's commands (API, CLI) and the facts workflows establish (system commands, through
activities) are dispatched alike: the handler establishes authority, the bus answers a
repeated command and checks versions, the aggregate checks its rules, the bus saves.
"""
