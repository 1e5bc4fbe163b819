"""schema.org JSON-LD for search engines and assistants: who reviewed a page, when, and what a procedure involves."""
from django.utils import translation

from .text import plain_text as _plain  # the same text search indexes: no tags, and no HTML entities (JSON is not HTML)


def _reviewed(item):
    data = {}
    review = item.review  # the approval of the text shown in this language
    if review["date"]:
        data["lastReviewed"] = review["date"].isoformat()
    if review["clinician"]:
        data["reviewedBy"] = {"@type": "Person", "name": review["clinician"].name, "jobTitle": review["clinician"].role}
    return data


def article_data(article, url):
    return {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "url": url,
        "name": article.title,
        "headline": article.title,
        "description": article.summary,
        "inLanguage": translation.get_language(),
        "datePublished": article.publish_at.isoformat(),
        "dateModified": article.last_updated.isoformat(),
        "about": [{"@type": "MedicalEntity", "name": topic.name} for topic in article.topics.all()],
        "citation": [
            {"@type": "CreativeWork", "name": s.title, "publisher": s.publisher, **({"url": s.url} if s.url else {})}
            for s in article.sources.all()
        ],
        **_reviewed(article),
    }


def procedure_data(procedure, url):
    procedure_fields = {"preparation": "before", "followup": "aftercare", "howPerformed": "during"}
    return {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "url": url,
        "name": procedure.title,
        "inLanguage": translation.get_language(),
        **_reviewed(procedure),
        "mainEntity": {
            "@type": "MedicalProcedure",
            "name": procedure.title,
            "description": procedure.summary,
            **{
                key: _plain(getattr(procedure, field), procedure.rendered)
                for key, field in procedure_fields.items()
                if getattr(procedure, field)
            },
        },
    }


def faq_data(faqs):
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "inLanguage": translation.get_language(),
        "mainEntity": [
            {
                "@type": "Question",
                "name": faq.question,
                "acceptedAnswer": {"@type": "Answer", "text": _plain(faq.answer, faq.rendered)},
            }
            for faq in faqs
        ],
    }
