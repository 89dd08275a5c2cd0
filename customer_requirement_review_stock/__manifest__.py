{
    "name": "Customer Requirement Review: Inventory",
    "version": "19.0.1.0.0",
    "category": "Sales/Sales",
    "summary": "Order execution summary and on-time delivery rate, delay countermeasures, customer property "
    "and returns from complaints",
    "author": "Customer Requirement Review contributors",
    "website": "https://github.com/customer-requirement-review/customer_requirement_review",
    "license": "LGPL-3",
    "depends": ["customer_requirement_review", "sale_stock"],
    "data": [
        # security
        "security/ir.model.access.csv",
        "security/ir_rules.xml",
        # data
        "data/ir_sequence_data.xml",
        "data/ir_cron_data.xml",
        # reports (before the mail template that attaches one)
        "report/crr_delivery_countermeasure_report.xml",
        "report/crr_delivery_countermeasure_templates.xml",
        "report/crr_customer_property_report.xml",
        "report/crr_customer_property_templates.xml",
        "data/mail_template_data.xml",
        # views: actions are defined before the views and menus that use them
        "views/sale_order_line_views.xml",
        "views/crr_delivery_countermeasure_views.xml",
        "views/crr_customer_property_views.xml",
        "views/crr_warranty_term_views.xml",
        "views/crr_complaint_return_views.xml",
        "views/crr_complaint_views.xml",
        "views/sale_order_views.xml",
        "views/stock_picking_views.xml",
        "views/res_config_settings_views.xml",
        # menus last
        "views/customer_requirement_review_stock_menus.xml",
    ],
    "demo": [
        "demo/customer_requirement_review_stock_demo.xml",
    ],
    "auto_install": True,
}
