"""Writes of the programmes app, split by job: sponsors and funding lines, programmes and their
budgets, beneficiary lists, invoices, payments, the enrolment file. Every service is keyword-only,
atomic, checks the acting user's capability and region, and writes its audit row."""
