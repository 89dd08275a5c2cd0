{
    "name": "Customer Requirement Review: Job Queue",
    "version": "19.0.1.0.0",
    "category": "Sales/Sales",
    "summary": "Satisfaction campaigns, large XLSX registers and overdue scans run as queue jobs (OCA queue_job)",
    "author": "Customer Requirement Review contributors",
    "maintainers": ["customer-requirement-review"],
    "website": "https://github.com/customer-requirement-review/customer_requirement_review",
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": ["customer_requirement_review", "queue_job"],
    "data": [
        "data/queue_job_channel_data.xml",
        "data/queue_job_function_data.xml",
    ],
    "auto_install": True,
}
