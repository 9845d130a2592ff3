"""The admin's document form (WAGTAILDOCS_DOCUMENT_FORM_BASE)."""

from wagtail.documents.forms import BaseDocumentForm


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form, saying only what is wrong with a file it refused: an empty
    file.pdf got 所提交的是空文件 and, from the model's own check of the file it never took,
    文件扩展“”是不被允许 too."""

    def _post_clean(self):
        refused = len(self.errors.get("file", ()))
        super()._post_clean()
        if refused:  # the model's errors were added to the same list
            del self._errors["file"][refused:]
