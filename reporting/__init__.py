"""Rendering compiled reports (underlag, delårsrapport) as .docx and HTML; no domain rules here."""
