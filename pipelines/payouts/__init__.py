"""Cashback payouts: review requests in the warehouse, credit approved ones in Piggy once."""
