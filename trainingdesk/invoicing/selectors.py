"""What the accounts pages read: balances per customer, in two queries whatever the number of
invoices."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, F, Sum, When

from trainingdesk.invoicing.models import DocumentKind, Invoice, Payment, PaymentKind


@dataclass
class CustomerBalance:
    """One customer's account: invoiced (less credit notes), paid (less refunds), the balance
    (owed; negative when money is due back) and how many documents."""

    name: str
    kind: str  # "organisation" or "person"
    customer_id: int
    invoiced: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)
    documents: int = 0

    @property
    def balance(self) -> Decimal:
        return self.invoiced - self.paid


def customer_balances(*, outstanding_only: bool = False) -> list[CustomerBalance]:
    """Every customer with their balance, the largest amount owed first."""
    signed = Case(When(kind=DocumentKind.CREDIT_NOTE, then=-F("total_gross")),
                  default=F("total_gross"))
    accounts: dict[tuple[str, int], CustomerBalance] = {}
    documents = (Invoice.objects.order_by()
                 .values("customer_organisation", "customer_person", "customer_name")
                 .annotate(total=Sum(signed), count=Sum(1)))
    for row in documents:
        key = (("organisation", row["customer_organisation"]) if row["customer_organisation"]
               else ("person", row["customer_person"]))
        account = accounts.setdefault(key, CustomerBalance(row["customer_name"], *key))
        account.invoiced += row["total"]
        account.documents += row["count"]
    payments = (Payment.objects.order_by()
                .values("invoice__customer_organisation", "invoice__customer_person")
                .annotate(total=Sum(Case(When(kind=PaymentKind.REFUND, then=-F("amount")),
                                         default=F("amount")))))
    for paid in payments:
        key = (("organisation", paid["invoice__customer_organisation"])
               if paid["invoice__customer_organisation"]
               else ("person", paid["invoice__customer_person"]))
        if key in accounts:
            accounts[key].paid += paid["total"]
    rows = sorted(accounts.values(), key=lambda a: (-a.balance, a.name.casefold()))
    return [a for a in rows if a.balance] if outstanding_only else rows
