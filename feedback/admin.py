"""Staff side of feedback: the list with its filters, reading marks it read, and a panel on each item's form."""
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from education import services

from .models import Feedback, annotate_share

PANEL_ENTRIES = 10


def item_param(item):
    """The value of the list's "item" filter for one item, e.g. "article:12"."""
    return f"{item._meta.model_name}:{item.pk}"


class ItemFilter(admin.SimpleListFilter):
    title = _("page")
    parameter_name = "item"

    def lookups(self, request, model_admin):
        pairs = Feedback.objects.order_by().values_list("content_type", "object_id").distinct()
        by_type = {}
        for type_id, object_id in pairs:
            by_type.setdefault(type_id, []).append(object_id)
        choices = []
        for type_id, ids in by_type.items():
            model = ContentType.objects.get_for_id(type_id).model_class()
            if model is not None:
                choices += [(item_param(item), str(item)) for item in model._base_manager.filter(pk__in=ids)]
        return sorted(choices, key=lambda choice: choice[1].lower())

    def queryset(self, request, queryset):
        kind, _sep, pk = (self.value() or "").partition(":")
        if not pk.isdigit():
            return queryset
        return queryset.filter(content_type__app_label="education", content_type__model=kind, object_id=int(pk))


class ReadFilter(admin.SimpleListFilter):
    title = _("read")
    parameter_name = "unread"

    def lookups(self, request, model_admin):
        return [("1", _("Unread")), ("0", _("Read"))]

    def queryset(self, request, queryset):
        if self.value() in ("0", "1"):
            return queryset.filter(read_at__isnull=self.value() == "1")
        return queryset


def marks_read(user, feedback):
    """A clinical reviewer of the item's kind has seen it (an editor looking does not count)."""
    model = feedback.content_type.model_class()
    return model is not None and services.can_publish(user, model)


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    class Media:
        css = {"all": ["css/admin.css"]}

    list_display = ("created_at", "page", "language", "helpful", "short_comment", "item_version", "is_read")
    list_filter = (ItemFilter, "language", "helpful", ReadFilter, ("content_type", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("content_type",)
    date_hierarchy = "created_at"
    search_fields = ("comment",)
    fields = ("page", "language", "item_version", "helpful", "comment", "created_at", "read_at", "read_by")
    readonly_fields = fields
    actions = ["mark_read"]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("item")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        feedback = self.get_object(request, object_id)
        if feedback is not None and self.has_view_permission(request, feedback) and marks_read(request.user, feedback):
            feedback.mark_read(request.user)
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("page"))
    def page(self, obj):
        item = obj.item
        if item is None:
            return _("(deleted)")
        url = reverse(f"admin:{item._meta.app_label}_{item._meta.model_name}_change", args=[item.pk])
        return format_html('<a href="{}">{}</a> <small>({})</small>', url, item, item._meta.verbose_name)

    @admin.display(description=_("what was missing or unclear"))
    def short_comment(self, obj):
        return Truncator(obj.comment).chars(80) or "—"

    @admin.display(description=_("read"), boolean=True)
    def is_read(self, obj):
        return obj.read_at is not None

    @admin.action(description=_("Mark as read"), permissions=["change"])
    def mark_read(self, request, queryset):
        done = queryset.filter(read_at__isnull=True).update(read_at=timezone.now(), read_by=request.user)
        self.message_user(request, _("%(count)d marked as read.") % {"count": done})


class FeedbackPanelMixin:
    """For the admins of patient content: the helpful share in the change list and the feedback on the form."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name and match.url_name.endswith("_changelist"):
            # Two subqueries in the list's one query, however many items the page shows.
            queryset = annotate_share(queryset)
        return queryset

    def get_list_display(self, request):
        return (*super().get_list_display(request), "helpful_share")

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "patient_feedback")

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and request.user.has_perm("feedback.view_feedback"):
            fieldsets.append((_("Patient feedback"), {"fields": ("patient_feedback",)}))
        return fieldsets

    @admin.display(description=_("helpful (90 days)"))  # models.SHARE_DAYS
    def helpful_share(self, obj):
        total = getattr(obj, "feedback_total", 0)
        if not total:
            return "—"
        return f"{round(100 * obj.feedback_helpful / total)}% ({obj.feedback_helpful}/{total})"

    @admin.display(description=_("what patients said"))
    def patient_feedback(self, obj):
        answers = Feedback.objects.for_item(obj)
        context = {
            "latest": list(answers.select_related("read_by")[:PANEL_ENTRIES]),
            "total": answers.count(),
            "unread": answers.unread().count(),
            "list_url": f"{reverse('admin:feedback_feedback_changelist')}?item={item_param(obj)}",
        }
        return render_to_string("admin/feedback/_panel.html", context)
