"""Reading CRM exports: finding the columns, parsing values, turning lines into rows the services store.

Standard library only. Nothing here touches the database; `metrics.services.imports` does that.
"""
