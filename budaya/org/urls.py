from django.urls import path

from budaya.org import views

app_name = "org"
urlpatterns = [
    path("", views.government_list, name="government_list"),
    path("new/", views.government_create, name="government_create"),
    path("units/", views.my_section, {"section": "unit_list"}, name="my_units"),
    path("employees/", views.my_section, {"section": "employee_list"}, name="my_employees"),
    path("<slug:slug>/", views.government_detail, name="government_detail"),
    path("<slug:slug>/edit/", views.government_edit, name="government_edit"),
    path("<slug:slug>/logo/", views.government_logo, name="government_logo"),
    path("<slug:slug>/setup/", views.government_setup, name="setup"),
    # Units (Perangkat Daerah and their sub-units)
    path("<slug:slug>/units/", views.unit_list, name="unit_list"),
    path("<slug:slug>/units/new/", views.unit_create, name="unit_create"),
    path("<slug:slug>/units/import/", views.unit_import_create, name="unit_import_create"),
    path("<slug:slug>/units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("<slug:slug>/units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("<slug:slug>/units/<int:pk>/letterhead/", views.unit_letterhead, name="unit_letterhead"),
    path("<slug:slug>/units/<int:pk>/deactivate/", views.unit_deactivate, name="unit_deactivate"),
    # Employees
    path("<slug:slug>/employees/", views.employee_list, name="employee_list"),
    path("<slug:slug>/employees/export.xlsx", views.employee_export, name="employee_export"),
    path("<slug:slug>/employees/new/", views.employee_create, name="employee_create"),
    path("<slug:slug>/employees/<int:pk>/", views.employee_detail, name="employee_detail"),
    path("<slug:slug>/employees/<int:pk>/edit/", views.employee_edit, name="employee_edit"),
    path(
        "<slug:slug>/employees/<int:pk>/transfer/",
        views.employee_transfer,
        name="employee_transfer",
    ),
    # Employee import from BKD/SIASN rosters
    path("<slug:slug>/imports/", views.import_list, name="import_list"),
    path("<slug:slug>/imports/new/", views.import_create, name="import_create"),
    path("<slug:slug>/imports/mapping/", views.import_mapping, name="import_mapping"),
    path("<slug:slug>/imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("<slug:slug>/imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("<slug:slug>/imports/<int:pk>/cancel/", views.import_cancel, name="import_cancel"),
    path("<slug:slug>/imports/<int:pk>/retry/", views.import_retry, name="import_retry"),
    path(
        "<slug:slug>/imports/<int:pk>/create-units/",
        views.import_create_units,
        name="import_create_units",
    ),
    path(
        "<slug:slug>/imports/<int:pk>/rejected.xlsx",
        views.import_rejected,
        name="import_rejected",
    ),
]
