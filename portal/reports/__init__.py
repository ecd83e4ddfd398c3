"""Reports for leads and admins: ticket and satisfaction figures from incrementally maintained daily rollups."""
