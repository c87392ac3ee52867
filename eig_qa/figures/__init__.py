"""Key figures computed with pandas from the structured data."""
