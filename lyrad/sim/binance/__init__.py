"""The Binance spot REST dialect: translates Binance's wire API to and from venue calls."""
