"""studyapp: a terminal study app for the fundamentals of deep learning."""

# The one place the version is written: pyproject.toml reads it from here ([tool.hatch.version]),
# and `studyapp --version` prints it.
__version__ = "0.1.0"
