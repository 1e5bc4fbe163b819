from django import forms
from django.utils.translation import gettext_lazy as _

COMMENT_MAX_LENGTH = 500


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label=_("Was this page helpful?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose “Yes” or “No”.")},
    )
    comment = forms.CharField(
        label=_("What was missing or unclear? (optional)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": COMMENT_MAX_LENGTH}),
        error_messages={"max_length": _("Please keep it under %(limit_value)d characters.")},
    )
    token = forms.CharField(required=False, widget=forms.HiddenInput)
    # Left empty by people (it is hidden from them); filled by form-filling robots.
    website = forms.CharField(required=False)
