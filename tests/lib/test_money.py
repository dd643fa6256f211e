from decimal import Decimal

import pytest

from trainingdesk.lib.money import TaxedAmount, format_gbp


@pytest.mark.parametrize(
    ("net", "rate", "vat", "gross"),
    [
        ("660", "20", "132.00", "792.00"),  # brochure: with supervision
        ("500", "20", "100.00", "600.00"),  # brochure: Foundation only
        ("0", "20", "0.00", "0.00"),
        ("0.01", "20", "0.00", "0.01"),  # 0.2p rounds down
        ("0.03", "20", "0.01", "0.04"),  # 0.6p rounds up
        ("0.025", "20", "0.01", "0.04"),  # net itself rounds half-up to 0.03 first
        ("10.125", "20", "2.03", "12.16"),
        ("2.50", "5", "0.13", "2.63"),  # 12.5p: half rounds up
        ("99.99", "0", "0.00", "99.99"),
        ("100", "17.5", "17.50", "117.50"),  # the old standard rate
        ("100000", "100", "100000.00", "200000.00"),
    ],
)
def test_vat_is_added_to_a_net_price_and_rounded_half_up(
    net: str, rate: str, vat: str, gross: str
) -> None:
    price = TaxedAmount.from_net(net, rate)
    assert (price.vat, price.gross) == (Decimal(vat), Decimal(gross))
    assert price.net + price.vat == price.gross


@pytest.mark.parametrize(
    ("gross", "rate", "net", "vat"),
    [
        ("300", "20", "250.00", "50.00"),  # brochure: assessment fee incl. VAT
        ("792", "20", "660.00", "132.00"),
        ("600", "20", "500.00", "100.00"),
        ("0.01", "20", "0.01", "0.00"),
        ("1.00", "20", "0.83", "0.17"),
        ("9.99", "20", "8.32", "1.67"),  # 166.5p of VAT rounds up (it was rounded down)
        ("117.50", "17.5", "100.00", "17.50"),
        ("50", "0", "50.00", "0.00"),
    ],
)
def test_a_gross_price_is_split_into_net_and_vat_that_add_up(
    gross: str, rate: str, net: str, vat: str
) -> None:
    price = TaxedAmount.from_gross(gross, rate)
    assert (price.net, price.vat) == (Decimal(net), Decimal(vat))
    assert price.net + price.vat == price.gross == Decimal(gross).quantize(Decimal("0.01"))


@pytest.mark.parametrize(("gross", "vat"), [("0.03", "0.01"), ("0.09", "0.02"), ("6.03", "1.01")])
def test_a_half_penny_of_vat_worked_back_from_a_gross_amount_rounds_up(gross: str, vat: str) -> None:
    # £0.03 at 20% holds 0.5p of VAT, £0.09 1.5p, £6.03 100.5p: half up, as in from_net.
    price = TaxedAmount.from_gross(gross, 20)
    assert (price.vat, price.net + price.vat) == (Decimal(vat), Decimal(gross))


def test_every_penny_from_one_to_a_thousand_pounds_splits_exactly() -> None:
    for pennies in range(1, 100_001, 7):
        gross = Decimal(pennies) / 100
        price = TaxedAmount.from_gross(gross, 20)
        assert price.net + price.vat == gross
        assert abs(price.net * Decimal("0.2") - price.vat) <= Decimal("0.01")


def test_lines_add_up_to_an_invoice_total() -> None:
    total = TaxedAmount.from_net("660", 20) + TaxedAmount.from_net("500", 20)
    assert (total.net, total.vat, total.gross) == (Decimal("1160.00"), Decimal("232.00"),
                                                   Decimal("1392.00"))
    assert total.rate_percent == Decimal(20)


def test_a_total_across_rates_has_no_single_rate() -> None:
    total = TaxedAmount.from_net("100", 20) + TaxedAmount.from_net("100", 0)
    assert total.rate_percent is None
    assert total.gross == Decimal("220.00")


def test_a_quantity_is_priced_on_the_line_not_per_unit() -> None:
    # Three of £0.03 + VAT: per unit 0.6p rounds to 1p (3p in all); on the line 1.8p rounds to 2p.
    assert TaxedAmount.from_net("0.03", 20).times(3).vat == Decimal("0.02")


@pytest.mark.parametrize("rate", ["-1", "100.01", "NaN", "Infinity"])
def test_a_rate_outside_0_to_100_percent_is_refused(rate: str) -> None:
    with pytest.raises(ValueError, match="VAT rate"):
        TaxedAmount.from_net("10", rate)


@pytest.mark.parametrize("amount", ["ten pounds", "NaN", "Infinity", None])
def test_something_that_is_not_money_is_refused(amount: object) -> None:
    with pytest.raises(ValueError, match="not an amount of money"):
        TaxedAmount.from_net(amount, 20)  # type: ignore[arg-type]


def test_an_amount_that_does_not_add_up_cannot_be_made() -> None:
    with pytest.raises(ValueError, match="!= gross"):
        TaxedAmount(net=Decimal("1.00"), vat=Decimal("0.20"), gross=Decimal("1.21"),
                    rate_percent=Decimal(20))


@pytest.mark.parametrize(
    ("amount", "shown"),
    [("792", "£792"), ("792.50", "£792.50"), ("1234.5", "£1,234.50"), ("-50", "-£50")],
)
def test_money_is_written_as_the_brochure_writes_it(amount: str, shown: str) -> None:
    assert format_gbp(Decimal(amount)) == shown
