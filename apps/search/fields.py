"""Haystack field types the Chinese backend knows how to index (see backend.build_schema)."""

from haystack import indexes

# Indexed as the suffix of clauses without 之X: an empty term cannot be searched for.
NO_SUFFIX = "none"


class WordsField(indexes.CharField):
    """Text cut into words by jieba: ranks whole words."""

    field_type = "cjk_words"


class CharGramsField(indexes.CharField):
    """Text matched as exact substrings by apps.search.exact (beside Whoosh, not in it)."""

    field_type = "cjk_chars"


class BigramsField(indexes.CharField):
    """Text as bigrams only: substrings of two characters or more (regulation titles)."""

    field_type = "cjk_bigrams"


class FacetField(indexes.CharField):
    """One exact, unsplit value to filter and count by."""

    field_type = "facet"


class MultiFacetField(indexes.MultiValueField):
    """Several exact values (issuing bodies of a joint document)."""

    field_type = "multi_facet"


class StampField(indexes.IntegerField):
    """When the record was last changed (microseconds since the epoch), stored to find drift."""

    field_type = "stamp"


class DayField(indexes.IntegerField):
    """A day as its ordinal number (date.toordinal), a column to filter by (as_of)."""

    field_type = "date"


class GroupField(indexes.IntegerField):
    """A 64-bit number shared by the documents of one group (a clause across the versions of
    its work), a column read whole: a term per group would be 100,000 postings lists."""

    field_type = "group"
