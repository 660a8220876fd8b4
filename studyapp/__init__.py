"""studyapp: a terminal study app for the fundamentals of deep learning."""

__version__ = "0.1.0"
