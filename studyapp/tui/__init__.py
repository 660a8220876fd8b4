"""The Textual face of studyapp: a thin layer over ``core.session.StudySession``."""
