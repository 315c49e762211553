from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy

from .models import ApiToken, DealerGroup, Domain, GroupMembership, Invitation, Store, StoreMembership, User
from .services.groups import dealer_group_create


class StoreInline(admin.TabularInline):
    model = Store
    fields = ["name", "slug", "status", "city"]
    readonly_fields = ["slug"]
    extra = 0
    show_change_link = True


@admin.register(DealerGroup)
class DealerGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "created_at"]
    search_fields = ["name", "code"]
    inlines = [StoreInline]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if change:
            super().save_model(request, obj, form, change)
            return
        # A new group gets its starter templates through the same service as everywhere else.

        created = dealer_group_create(name=obj.name, code=obj.code)
        obj.pk = created.pk
        obj.created_at = created.created_at


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "group", "status", "city", "created_at"]
    list_filter = ["status", "group"]
    search_fields = ["name", "slug", "city"]
    readonly_fields = ["schema_name", "slug", "onboarding_key"]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "tenant", "is_primary"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["id"]
    list_display = ["name", "mobile", "email", "is_active", "is_staff"]
    search_fields = ["name", "mobile", "email"]
    fieldsets = (
        (None, {"fields": ("name", "mobile", "email", "password")}),
        (gettext_lazy("权限"), {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"fields": ("name", "mobile", "email", "password1", "password2")}),)


@admin.register(GroupMembership)
class GroupMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "group", "role"]
    list_filter = ["role", "group"]


@admin.register(StoreMembership)
class StoreMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "store", "role", "is_active"]
    list_filter = ["role", "store__group"]


admin.site.register(Invitation)
admin.site.register(ApiToken)
admin.site.site_header = gettext_lazy("车主CRM 平台运营")
