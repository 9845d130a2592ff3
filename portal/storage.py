"""Where uploads are stored, under what name."""

from django.core.files.storage import FileSystemStorage

# What a file is called when nothing of its name can be kept (附件.docx, not .docx).
NAMELESS = "附件"


class PortalFileStorage(FileSystemStorage):
    """Django's storage, except for a name with nothing left but its extension: 😀.docx became
    `.docx`, a hidden file that readers downloaded under that name."""

    def get_valid_name(self, name):
        valid = super().get_valid_name(name)
        return NAMELESS + valid if valid.startswith(".") else valid
