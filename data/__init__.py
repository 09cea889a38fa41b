"""The municipality's data files, shipped inside the package so that every command finds
them from any directory (infrastructure.packaged_data): von/ (VON's organisation, Årsplan
2022/2023, report template, delegationsordning, internkontrollplan) and snd2023/
(Socialnämndens delårsbokslut 2023)."""
