"""Service catalog: items admins configure without code, requests that fulfil themselves or reach a person."""
