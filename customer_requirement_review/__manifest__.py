{
    "name": "Customer Requirement Review",
    "version": "19.0.1.0.0",
    "category": "Sales/Sales",
    "summary": "ISO 9001 clause 8.2 on the sale order: requirement review, changes, complaints, satisfaction",
    "author": "Customer Requirement Review contributors",
    "website": "https://github.com/customer-requirement-review/customer_requirement_review",
    "license": "LGPL-3",
    "depends": ["sale_management", "survey", "mail", "portal"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        # security
        "security/res_groups.xml",
        "security/ir.model.access.csv",
        "security/ir_rules.xml",
        "security/crr_satisfaction_security.xml",
        # data
        "data/crr_department_data.xml",
        "data/crr_satisfaction_survey_data.xml",
        "data/crr_satisfaction_mail_template_data.xml",
        # reports
        "report/crr_satisfaction_report.xml",
        "report/crr_satisfaction_report_templates.xml",
        # views: actions are defined before the views and menus that use them
        "views/crr_department_views.xml",
        "views/res_config_settings_views.xml",
        "views/crr_satisfaction_score_views.xml",
        "views/crr_satisfaction_campaign_views.xml",
        "views/survey_views.xml",
        "views/res_partner_views.xml",
        # wizards
        # menus last
        "views/customer_requirement_review_menus.xml",
    ],
    "demo": [
        "demo/crr_satisfaction_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "customer_requirement_review/static/src/tours/*.js",
        ],
    },
}
